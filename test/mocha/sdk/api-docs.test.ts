/**
 * Every public function of the SDK (every function exported from sdk/src/index.ts) carries TSDoc with an
 * `@example`, and every example's code block is fenced TypeScript. Read with the TypeScript compiler, so a
 * function re-exported from anywhere is found and a new one without docs fails here.
 */
import { expect } from "chai";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const INDEX = fileURLToPath(new URL("../../../sdk/src/index.ts", import.meta.url));

interface PublicFunction {
  readonly name: string;
  readonly file: string;
  readonly summary: string;
  readonly examples: readonly string[];
}

function publicFunctions(): PublicFunction[] {
  const program = ts.createProgram([INDEX], {
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(INDEX);
  if (source === undefined) throw new Error(`cannot read ${INDEX}`);
  const moduleSymbol = checker.getSymbolAtLocation(source);
  if (moduleSymbol === undefined) throw new Error("index.ts is not a module");
  const out: PublicFunction[] = [];
  for (const exported of checker.getExportsOfModule(moduleSymbol)) {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    if (!(symbol.flags & ts.SymbolFlags.Function)) continue;
    const declaration = symbol.declarations?.[0];
    const examples = symbol
      .getJsDocTags(checker)
      .filter((tag) => tag.name === "example")
      .map((tag) => ts.displayPartsToString(tag.text));
    out.push({
      name: exported.getName(),
      file: declaration?.getSourceFile().fileName.replace(/^.*\/sdk\/src\//, "sdk/src/") ?? "?",
      summary: ts.displayPartsToString(symbol.getDocumentationComment(checker)),
      examples,
    });
  }
  return out;
}

describe("SDK API documentation (TSDoc on every public function)", function () {
  this.timeout(60_000);
  let functions: PublicFunction[] = [];

  before(function () {
    functions = publicFunctions();
  });

  it("finds the public functions through index.ts (createShop, claimMany, fetchOrderLedger among them)", function () {
    const names = functions.map((f) => f.name);
    for (const name of [
      "createShop",
      "recordOrders",
      "charge",
      "authorizePayment",
      "claimMany",
      "fetchOrderLedger",
      "hashOrder",
    ]) {
      expect(names).to.include(name);
    }
    expect(functions.length).to.be.greaterThan(60);
  });

  it("every public function has a summary and an @example with a fenced TypeScript block", function () {
    const missing = functions
      .filter(
        (f) =>
          f.summary.trim() === "" ||
          f.examples.length === 0 ||
          !f.examples.every((e) => /```ts\n[\s\S]*\S[\s\S]*\n```/.test(e.trim())),
      )
      .map(
        (f) =>
          `${f.name} (${f.file})${f.summary.trim() === "" ? " no summary" : ""}${f.examples.length === 0 ? " no @example" : ""}`,
      );
    expect(missing, `functions without complete TSDoc:\n${missing.join("\n")}`).to.deep.equal([]);
  });
});
