// ts-jest AST transformer: the @nestjs/swagger compiler plugin with nest-cli.json's options, so
// the e2e suites see the same OpenAPI metadata that `nest build` and `nest start` produce.
const plugin = require('@nestjs/swagger/plugin');
const options = require('../../nest-cli.json').compilerOptions.plugins[0].options;

module.exports.name = 'nestjs-swagger-transformer';
// Bump to invalidate ts-jest's cache when the options change.
module.exports.version = 1;
module.exports.factory = (compiler) => plugin.before(options, compiler.program);
