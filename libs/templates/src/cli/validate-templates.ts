import 'reflect-metadata';
import { loadConfig } from '@app/config';
import { readFileSync } from 'node:fs';
import { formatIssue, omittedLine } from '../model.js';
import { TemplateCatalog, TemplateCatalogError } from '../template-catalog.js';

// Validates range templates: the whole catalogue (no arguments) or the given files,
// printing every error with its path. Exit code 1 when any is invalid.
const catalog = new TemplateCatalog(loadConfig());
const files = process.argv.slice(2);
let failed = false;
if (files.length === 0) {
  try {
    catalog.reload();
    for (const entry of catalog.list()) console.log(`ok      ${entry.file}  ${entry.template.id} ${entry.template.version}  sha256:${entry.hash.slice(0, 12)}`);
  } catch (err) {
    if (!(err instanceof TemplateCatalogError)) throw err;
    console.error(err.message);
    failed = true;
  }
} else {
  // Only the built-in image names are needed here; a broken catalogue file must not stop this.
  try {
    catalog.reload();
  } catch (err) {
    if (!(err instanceof TemplateCatalogError)) throw err;
  }
  for (const file of files) {
    const { template, issues, omittedIssues } = catalog.check(readFileSync(file, 'utf8'));
    console.log(`${template ? 'ok     ' : 'INVALID'} ${file}`);
    for (const line of [...issues.map(formatIssue), ...omittedLine(omittedIssues)]) console.log(`  ${line}`);
    failed ||= !template;
  }
}
process.exit(failed ? 1 : 0);
