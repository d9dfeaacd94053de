// Validates an OpenAPI document with Redocly's structural rules (@redocly/openapi-core, which
// openapi-typescript brings): the third validator of /api/v2/openapi.json, beside the test
// suite's openapi-spec-validator and openapi-pydantic. Usage: node validate-openapi.cjs FILE
const path = require("node:path");
const core = require(path.join(__dirname, "node_modules", "@redocly", "openapi-core"));

(async () => {
  const config = await core.createConfig({ extends: ["minimal"], rules: { struct: "error" } });
  const problems = await core.lint({ ref: process.argv[2], config });
  const errors = problems.filter((problem) => problem.severity === "error");
  for (const problem of errors) {
    console.error(`${problem.ruleId}: ${problem.message} at ${problem.location?.[0]?.pointer}`);
  }
  console.log(`Redocly: ${errors.length} error(s) in ${process.argv[2]}`);
  process.exit(errors.length ? 1 : 0);
})();
