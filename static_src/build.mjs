// Builds the portal's front end: compiles the stylesheet and copies GOV.UK Frontend's script.
// Run with `npm run build`. Safe to run again: it overwrites its own output.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const from = (...parts) => join(root, ...parts);

function ensureFolderFor(file) {
  mkdirSync(dirname(file), { recursive: true });
}

// GOV.UK Frontend 5 still uses @import and a few older Sass functions; those warnings are
// about its own code, not ours, so they are silenced here.
const result = sass.compile(from("static_src", "scss", "portal.scss"), {
  loadPaths: [from("node_modules")],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import", "global-builtin", "slash-div", "color-functions"],
});

const cssFile = from("static", "build", "portal.css");
ensureFolderFor(cssFile);
writeFileSync(cssFile, result.css + "\n");
console.log(`Wrote ${cssFile} (${result.css.length} bytes)`);

const jsSource = from("node_modules", "govuk-frontend", "dist", "govuk", "all.bundle.js");
const jsFile = from("static", "govuk", "govuk-frontend.js");
ensureFolderFor(jsFile);
// The source map is not shipped, so its reference goes too: the manifest storage in production
// fails on any file a static file points to that does not exist.
const js = readFileSync(jsSource, "utf8").replace(/^\/\/# sourceMappingURL=.*$/m, "");
writeFileSync(jsFile, js);
console.log(`Copied ${jsFile}`);
