// ESLint flat config: the recommended rules of ESLint and typescript-eslint, type-aware.
const js = require("@eslint/js");
const tseslint = require("typescript-eslint");

module.exports = tseslint.config(
  { ignores: ["dist/"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: __dirname } },
    rules: { "@typescript-eslint/no-floating-promises": "error" },
  },
);
