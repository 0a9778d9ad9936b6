// Builds every browser bundle of the web app into ../wwwroot/js, one self-contained file per entry point:
// CSS that an entry imports (its own and its packages', with their fonts as data URLs) is bundled first
// and inlined as text, so a page includes one <script> and nothing else.
import * as esbuild from 'esbuild';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

// name → source; each entry is its own bundle, so the viewer's pages never load the modeller.
const entries = {
  'bpmn-viewer': 'src/viewer/index.js',
  'bpmn-modeler': 'src/modeler/index.js',
  'charts': 'src/charts/index.js',
};

const fontLoaders = { '.woff': 'dataurl', '.woff2': 'dataurl', '.ttf': 'dataurl', '.eot': 'dataurl', '.svg': 'dataurl' };

/** Bundles each imported .css file on its own (resolving @import and url()) and hands it to the JS as a string. */
const inlineCss = {
  name: 'inline-css',
  setup(build) {
    build.onLoad({ filter: /\.css$/ }, async args => {
      const css = await esbuild.build({
        entryPoints: [args.path], bundle: true, minify: true, write: false, loader: fontLoaders, logLevel: 'silent', metafile: true,
      });
      return {
        contents: css.outputFiles[0].text,
        loader: 'text',
        watchFiles: Object.keys(css.metafile.inputs).map(input => path.resolve(here, input)),
      };
    });
  },
};

/**
 * Packs a .bpmnlintrc into the bundle as bpmnlint's own tooling does (rollup-plugin-bpmnlint, bpmnlint-loader):
 * bpmnlint's compileConfig resolves every rule the configuration enables and writes a module that imports them
 * and exports { config, resolver }, which bpmn-js-bpmnlint takes as its linting.bpmnlint option.
 */
const bpmnlintConfig = {
  name: 'bpmnlint-config',
  setup(build) {
    const compileConfig = createRequire(import.meta.url)('bpmnlint/lib/support/compile-config');
    build.onLoad({ filter: /\.bpmnlintrc$/ }, async args => ({
      contents: await compileConfig(JSON.parse(await readFile(args.path, 'utf8'))),
      loader: 'js',
      resolveDir: here,
    }));
  },
};

await Promise.all(Object.entries(entries).map(([name, source]) => esbuild.build({
  absWorkingDir: here,
  entryPoints: [source],
  outfile: `../wwwroot/js/${name}.js`,
  bundle: true,
  minify: true,
  format: 'iife',
  target: 'es2020',
  legalComments: 'eof',
  plugins: [inlineCss, bpmnlintConfig],
  logLevel: 'warning',
})));
