export { csvTable, type CsvCell } from './csv-table.js';
export { CsvDownload } from './csv-download.js';
