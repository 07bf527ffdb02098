// Every relative link in Kiln's documents leads somewhere: `node --test tests/docs/`.
//
// The documents: README.md, CONTRIBUTING.md, CHANGELOG.md, docs/*.md and
// tests/llm-server/README.md. For each Markdown link or image whose target has no scheme
// (`[text](docs/STORAGE.md#keys)`, `![alt](docs/screenshot.png)`, `[text](#tests)`), the file or
// folder must exist, relative to the document, and an `#anchor` must be a heading of the target
// document, named as GitHub names it (lower case, punctuation dropped, spaces to hyphens, "-1",
// "-2" for repeats). Links inside code (fenced blocks, `inline code`) are not links and are
// skipped; so are web addresses (http:, https:, mailto:).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

// The documents checked, as paths relative to root.
export function documents(root) {
  const docs = fs.readdirSync(path.join(root, 'docs')).filter((name) => name.endsWith('.md')).sort()
    .map((name) => `docs/${name}`);
  return ['README.md', 'CONTRIBUTING.md', 'CHANGELOG.md', ...docs, 'tests/llm-server/README.md'];
}

// The text of a Markdown document without its code: fenced blocks become empty lines (so line
// numbers stay right) and, unless `inline` is false, inline code spans become spaces (a
// heading's inline code keeps its text in the heading's anchor).
function withoutCode(text, inline = true) {
  let fence = null;
  return text.split('\n').map((line) => {
    const marker = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
    if (fence) {
      if (marker && marker[1][0] === fence[0] && marker[1].length >= fence.length) fence = null;
      return '';
    }
    if (marker) {
      fence = marker[1];
      return '';
    }
    return inline ? line.replace(/(`+)[^`]*?\1/g, (span) => ' '.repeat(span.length)) : line;
  }).join('\n');
}

// The anchors GitHub gives the headings of a Markdown document.
export function anchors(text) {
  const seen = new Map();
  const result = new Set();
  for (const line of withoutCode(text, false).split('\n')) {
    const heading = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const slug = heading[1]
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')  // a link's text stays, its target goes
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    result.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return result;
}

// The relative links of the document at root/file that do not resolve, as
// "file:line: target (why)" strings; empty when every one does.
export function brokenLinks(root, file) {
  const text = fs.readFileSync(path.join(root, file), 'utf8');
  const broken = [];
  withoutCode(text).split('\n').forEach((line, index) => {
    for (const match of line.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      const target = match[1];
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;  // http:, https:, mailto:
      const [pathPart, anchor] = target.split('#', 2);
      const where = `${file}:${index + 1}: ${target}`;
      const resolved = pathPart === '' ? path.join(root, file) : path.resolve(path.dirname(path.join(root, file)), decodeURIComponent(pathPart));
      if (!resolved.startsWith(root + path.sep) || !fs.existsSync(resolved)) {
        broken.push(`${where} (no such file)`);
        continue;
      }
      if (anchor === undefined) continue;
      if (!resolved.endsWith('.md')) {
        broken.push(`${where} (an anchor into a file that is not Markdown)`);
      } else if (!anchors(fs.readFileSync(resolved, 'utf8')).has(anchor)) {
        broken.push(`${where} (no heading with that anchor)`);
      }
    }
  });
  return broken;
}

for (const file of documents(REPO_ROOT)) {
  test(`every relative link in ${file} resolves`, () => {
    assert.ok(fs.existsSync(path.join(REPO_ROOT, file)), `${file} is missing`);
    assert.deepEqual(brokenLinks(REPO_ROOT, file), []);
  });
}

test('the check finds a missing file, a missing anchor, and skips code and web addresses', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-links-'));
  try {
    fs.mkdirSync(path.join(root, 'docs'));
    fs.writeFileSync(path.join(root, 'docs/OTHER.md'), '# Other\n\n## The `kv` store, and keys\n\n## Keys\n\n## Keys\n');
    fs.writeFileSync(path.join(root, 'README.md'), [
      '# Title',
      '[ok](docs/OTHER.md) [ok](docs/OTHER.md#the-kv-store-and-keys) [ok](docs/OTHER.md#keys-1) [ok](#title)',
      '[gone](docs/MISSING.md) and ![gone](docs/missing.png)',
      '[bad anchor](docs/OTHER.md#nothing) [bad anchor](#nope)',
      'Skipped: `[code](docs/MISSING.md)` [web](https://example.com/x.md#y)',
      '```',
      '[fenced](docs/MISSING.md)',
      '```',
    ].join('\n'));
    assert.deepEqual(brokenLinks(root, 'README.md'), [
      'README.md:3: docs/MISSING.md (no such file)',
      'README.md:3: docs/missing.png (no such file)',
      'README.md:4: docs/OTHER.md#nothing (no heading with that anchor)',
      'README.md:4: #nope (no heading with that anchor)',
    ]);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
