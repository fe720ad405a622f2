export * from './clock-math.js';
