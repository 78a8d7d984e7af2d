#!/usr/bin/env bash
# What makes the WASM big: twiggy over the whole program as linked (before splitting and
# wasm-opt, names kept), summed by crate and by the view method that was monomorphised, the
# largest single items, and what each page's pieces weigh after brotli. Build first with
# `scripts/build-site.sh start && scripts/build-site.sh wait`; twiggy is installed from crates.io on
# first use (debug build, about 3 minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
command -v twiggy >/dev/null || cargo install --debug twiggy
# The other bundles: scripts/bench-wasm-size.sh target/front/wasm32-unknown-unknown/wasm-release/frontend_candidate.wasm
# (or frontend_phone.wasm).
wasm=${1:-target/front/wasm32-unknown-unknown/wasm-release/frontend.wasm}
csv=$(mktemp)
trap 'rm -f "$csv"' EXIT
twiggy top -n 10000000 --format csv "$wasm" >"$csv"
python3 - "$csv" target/site/pkg <<'PY'
import collections, csv, os, re, sys
rows = list(csv.DictReader(open(sys.argv[1])))
code = [(re.sub(r'::h[0-9a-f]{16}$', '', r['Name']), int(r['ShallowSize'])) for r in rows
        if not re.match(r'(custom section|data segment|elem\[|"function names")', r['Name'])]
total = sum(b for _, b in code)
print(f'code: {total:,} bytes in {len(code):,} functions (before wasm-opt)\n')
def table(title, counter, n):
    print(f'| {title} | bytes | share |\n|---|---:|---:|')
    for k, v in counter.most_common(n):
        print(f'| {k} | {v:,} | {100 * v / total:.1f} % |')
    print()
crates, methods = collections.Counter(), collections.Counter()
for name, b in code:
    m = re.match(r'<?&?(?:mut )?([a-z_][a-z0-9_]*)::', name)
    crates[m.group(1) if m else '(impl blocks of generic types)'] += b
    m = re.search(r'::(hydrate_async|hydrate|build|rebuild|to_html\w*|dry_resolve)(::|$)', name)
    methods[m.group(1) if m else '(not a view method)'] += b
table('crate', crates, 12)
table('view method (every monomorphised copy)', methods, 6)
print('| largest single items | bytes |\n|---|---:|')
for name, b in sorted(code, key=lambda x: -x[1])[:8]:
    print(f'| `{name[:110]}` | {b:,} |')
print()
pkg = sys.argv[2]
pieces = collections.Counter()
for sub, label in (('', 'site'), ('candidate', 'candidate')):
    d = os.path.join(pkg, sub)
    if not os.path.isdir(d):
        continue
    for f in os.listdir(d):
        if f.endswith('.wasm.br'):
            m = re.match(r'(split_+[a-z_]+?)(_view)?_\d+\.', f) or re.match(r'(vigil)\.', f)
            pieces[f"{label}: {m.group(1) if m else 'shared chunks'}"] += os.path.getsize(os.path.join(d, f))
phone = os.path.join(pkg, 'phone')
if os.path.isdir(phone):
    pieces['phone bundle (pkg/phone, its own WASM)'] = sum(
        os.path.getsize(os.path.join(phone, f)) for f in os.listdir(phone) if f.endswith('.wasm.br'))
print('| piece (brotli) | KB |\n|---|---:|')
for k, v in sorted(pieces.items(), key=lambda x: -x[1])[:21]:
    print(f'| {k} | {v / 1024:.1f} |')
# What each lazily loaded page or step of the candidate's bundle adds (its pieces, after brotli),
# and what it adds once the journey's first step is loaded (pieces they share come once).
cand = os.path.join(pkg, 'candidate')
manifests = [f for f in os.listdir(cand) if f.startswith('__wasm_split_manifest.') and f.endswith('.json')] if os.path.isdir(cand) else []
if manifests:
    import json
    m = json.load(open(os.path.join(cand, manifests[0])))
    size = lambda p: os.path.getsize(os.path.join(cand, p + '.wasm.br'))
    journey = next((v for k, v in m.items() if k.startswith('__journey_view')), [])
    main = sum(os.path.getsize(os.path.join(cand, f)) for f in os.listdir(cand)
               if re.match(r'vigil\.[^.]+\.wasm\.br$', f))
    print(f'\ncandidate bundle: first piece (sign-in page) {main / 1024:.1f} KB\n')
    print('| lazily loaded (candidate bundle) | its pieces KB | beyond the journey first step KB |\n|---|---:|---:|')
    for k, v in sorted(m.items()):
        name = re.sub(r'_\d+$', '', k).strip('_')
        print(f'| {name} | {sum(map(size, v)) / 1024:.1f} | {sum(size(p) for p in v if p not in journey) / 1024:.1f} |')
PY
