// Reports source files over the style guide's size limits (500 lines: a smell; 800: the limit).
// Run: npx tsx tools/sz.ts   (exits 1 if any file passes 800 lines)
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

function walk(dir: string, out: string[]): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

let over = 0;
for (const file of walk('src', [])) {
  const lines = readFileSync(file, 'utf8').split('\n').length;
  if (lines > 800) over++;
  if (lines > 500) console.log(`${lines > 800 ? 'OVER' : 'large'}\t${lines}\t${file}`);
}
process.exit(over > 0 ? 1 : 0);
