// How redline's Lambda functions are bundled: locally by esbuild (never Docker), as ESM for Node 22
// on arm64, minified with source maps, the AWS SDK v3 left to the runtime that ships it.
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import { OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';

/** Lets the ESM bundle `require` Node built-ins for dependencies that are still CommonJS. */
const ESM_REQUIRE_BANNER = "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

/** The bundling every redline function shares; a function may add command hooks. */
export const LOCAL_ESM_BUNDLING: nodejs.BundlingOptions = {
  forceDockerBundling: false,
  format: OutputFormat.ESM,
  target: 'node22',
  mainFields: ['module', 'main'],
  banner: ESM_REQUIRE_BANNER,
  // Node 22 Lambda runtimes ship AWS SDK v3.
  externalModules: ['@aws-sdk/*'],
  minify: true,
  sourceMap: true,
};
