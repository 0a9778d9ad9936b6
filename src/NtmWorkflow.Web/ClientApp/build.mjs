// Builds every browser bundle of the web app into ../wwwroot/js, one self-contained file per entry point:
// CSS that an entry imports (its own and its packages', with their fonts as data URLs) is bundled first
// and inlined as text, so a page includes one <script> and nothing else.
import * as esbuild from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

// name → source; the modeller joins this list as its own entry, so the viewer's pages never load it.
const entries = {
  'bpmn-viewer': 'src/viewer/index.js',
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

await Promise.all(Object.entries(entries).map(([name, source]) => esbuild.build({
  absWorkingDir: here,
  entryPoints: [source],
  outfile: `../wwwroot/js/${name}.js`,
  bundle: true,
  minify: true,
  format: 'iife',
  target: 'es2020',
  legalComments: 'eof',
  plugins: [inlineCss],
  logLevel: 'warning',
})));
