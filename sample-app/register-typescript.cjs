// Runs the sample app from its TypeScript sources as `nest-ar` loads an app's: swc's require
// hook for the CommonJS modules, and its module hooks for what loads through import() (the
// migrations). Registered from a preload, the entry file itself stays CommonJS.
const { register } = require('node:module');
const { pathToFileURL } = require('node:url');

require('@swc-node/register/register').register();
register('@swc-node/register/esm', pathToFileURL(__filename));
