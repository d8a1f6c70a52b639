/** Jest 30 + ts-jest in ESM mode (run under node --experimental-vm-modules; @actions/* 3.x are ESM-only). */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  roots: ['<rootDir>/packages', '<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  moduleNameMapper: {
    '^@eds/core$': '<rootDir>/packages/core/src/index.ts',
    '^@eds/core/(errors|secrets|model|records)$': '<rootDir>/packages/core/src/$1/index.ts',
    '^@eds/kubernetes$': '<rootDir>/packages/kubernetes/src/index.ts',
    '^@eds/gitlab$': '<rootDir>/packages/gitlab/src/index.ts',
    '^@eds/github$': '<rootDir>/packages/github/src/index.ts',
    '^@eds/cli$': '<rootDir>/packages/cli/src/main.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    // Type checking is done once by `tsc -b` in `npm test`; here ts-jest only transpiles, which keeps jest fast.
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.base.json' }],
  },
  testTimeout: 60000,
  maxWorkers: 2,
};
