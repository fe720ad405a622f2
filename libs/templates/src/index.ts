export * from './blueprint.js';
