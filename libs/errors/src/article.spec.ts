import { withArticle } from './article.js';

describe('withArticle', () => {
  it.each([
    ['other', 'an other'],
    ['open', 'an open'],
    ['answer', 'an answer'],
    ['draft', 'a draft'],
    ['check', 'a check'],
    ['university', 'a university'],
    ['A', 'an A'],
    ['ONLINE-A', 'an ONLINE-A'],
    ['B-1', 'a B-1'],
    ['C', 'a C'],
  ])('%s -> %s', (word, expected) => {
    expect(withArticle(word)).toBe(expected);
  });
});
