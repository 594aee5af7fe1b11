/**
 * The layering, checked by `npm run lint` (dependency-cruiser): the contract
 * (protocol/) is at the bottom; server/ and web/ build on it and never on each
 * other; the harness package builds on the contract only; e2e/, bench/,
 * scripts/ and examples/ sit on top. No import cycles anywhere.
 */
const layer = (from, to, comment) => ({
  name: `${from}-imports-only-below`,
  comment,
  severity: 'error',
  from: { path: `^${from}/` },
  to: { path: `^(${to})/` },
});

module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      comment: 'A cycle makes load order matter and modules impossible to read apart.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    layer('protocol', 'server|web|harness|e2e|bench|scripts|examples', 'The contract depends on nothing of ours.'),
    layer('server', 'web|harness|e2e|bench|scripts|examples', 'The server depends on the contract only.'),
    layer('web', 'server|harness|e2e|bench|scripts|examples', 'The page depends on the contract only.'),
    layer('harness', 'server|web|e2e|bench|scripts|examples', 'The published harness depends on the contract only.'),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist|dist-test|test-results|playwright-report)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
