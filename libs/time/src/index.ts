export { JST_OFFSET, jstDate, jstLabel, jstPeriod, jstWallTime, parseInstant } from './jst.js';
