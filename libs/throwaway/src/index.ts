export {
  createThrowawayEnvironment,
  removeThrowawayEnvironment,
  throwawayNames,
  type CreateThrowawayOptions,
  type ThrowawayEnvironment,
  type ThrowawaySettings,
} from './throwaway-environment.js';
