// Unit tests: *.spec.ts beside the code. ESM through ts-jest (run with --experimental-vm-modules).
const aliases = {
  // Unit-test fakes (*.spec-helper.ts, never built into dist).
  '^@app/docker/testing$': '<rootDir>/libs/docker/src/in-memory-runtime.spec-helper.ts',
  '^@app/([a-z-]+)$': '<rootDir>/libs/$1/src/index.ts',
  '^(\\.{1,2}/.*)\\.js$': '$1',
};

export const base = {
  rootDir: '.',
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: aliases,
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.json' }],
  },
};

export default {
  ...base,
  roots: ['<rootDir>/apps', '<rootDir>/libs'],
  testMatch: ['**/*.spec.ts'],
};
