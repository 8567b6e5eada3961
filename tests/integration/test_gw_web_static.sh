#!/usr/bin/env bash
# The web client as the gateway serves it (no browser): webrtc-gw in a
# namespace serves web/ over HTTPS (self-signed); curl fetches the pages.
#
#   [ns "gw": eth0 198.51.100.1/24]--veth--[ns "cli": eth0 198.51.100.9/24, curl]
#
# Checks:
# 1. /, /index.html, /customer.html, /agent.html: 200, text/html, with a
#    Content-Security-Policy that allows no inline script;
# 2. /webrtc-gw.js: 200, a JavaScript content type; it and every module the
#    pages load parse as ES modules (`node --check` on a .mjs copy);
# 3. every <script src>, <link href> and <img src> of the pages, and every
#    relative `import ... from './x.js'` of the modules, answers 200;
# 4. the pages are CSP-clean: no inline <script> body, no on*= handler, no
#    style= attribute, no external (http:, https:, //) resource;
# 5. a missing file is 404.
source "$(dirname "$0")/lib.sh"
gw_require ip python3 node timeout curl
GW_BIN=$GW_BUILD_DIR/tools/webrtc-gw/webrtc-gw
T=$GW_TMP
if [[ ! -x $GW_BIN ]]; then gw_log "no $GW_BIN: build the project first"; exit 1; fi

gwns='' cli=''
gw_netns gwns gw && gw_netns cli cli || exit 1
gw_link "$gwns" eth0 198.51.100.1/24 "$cli" eth0 198.51.100.9/24 || exit 1
BASE=https://198.51.100.1:8443
mkdir -p "$T/state" "$T/get"
gw_bg timeout 60 ip netns exec "$gwns" "$GW_BIN" --public-bind 198.51.100.1 --https-port 8443 --media-port 40000 \
  --media-threads 1 --state-dir "$T/state" --web-root "$GW_SOURCE_DIR/web" >"$T/gw.out" 2>"$T/gw.err"
gw_pid=$GW_LAST_PID
up=0
for _ in $(seq 100); do
  ip netns exec "$cli" curl -ksf --max-time 1 -o /dev/null "$BASE/healthz" && { up=1; break; }
  kill -0 "$gw_pid" 2>/dev/null || break
  sleep 0.1
done
check "webrtc-gw answers $BASE/healthz" test "$up" = 1
if ((!up)); then tail -n 30 "$T/gw.err" "$T/gw.out" >&2; gw_finish; exit 1; fi

# fetch PATH: body in $T/get/<name>, headers in .h; prints "status content-type".
fetch() {
  local name=${1//\//_}
  [[ $name == _ ]] && name=_root
  ip netns exec "$cli" curl -ks --max-time 5 -D "$T/get/$name.h" -o "$T/get/$name" \
    -w '%{http_code} %{content_type}' "$BASE$1"
}
header() { tr -d '\r' <"$T/get/${1//\//_}.h" | sed -n "s/^$2: *//Ip" | head -n 1; }

for page in / /index.html /customer.html /agent.html; do
  r=$(fetch "$page")
  check "GET $page: 200 text/html ($r)" bash -c "[[ '$r' == '200 text/html'* ]]"
done
csp=$(header /customer.html Content-Security-Policy)
gw_log "CSP: $csp"
check "pages carry a Content-Security-Policy without 'unsafe-inline' scripts" \
  bash -c "[[ -n \"\$1\" && \"\$1\" != *unsafe-inline* && \"\$1\" != *unsafe-eval* ]]" _ "$csp"

r=$(fetch /webrtc-gw.js)
check "GET /webrtc-gw.js: 200 with a JavaScript content type ($r)" \
  bash -c "[[ '$r' =~ ^200\ (text|application)/(x-)?javascript ]]"

# References of the pages and of the modules (transitively), relative to /.
python3 - "$T/get" >"$T/refs" <<'EOF'
import html.parser, re, sys, os
d = sys.argv[1]
class P(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(); self.refs = []; self.bad = []; self.in_script = False
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for k in a:
            if k.startswith('on'): self.bad.append(f'{tag} {k}= handler')
            if k == 'style': self.bad.append(f'{tag} style= attribute')
        if tag == 'script':
            self.in_script = 'src' not in a
            if 'src' in a: self.refs.append(a['src'])
        if tag == 'link' and 'href' in a: self.refs.append(a['href'])
        if tag in ('img', 'audio', 'source') and a.get('src'): self.refs.append(a['src'])
    def handle_endtag(self, tag):
        if tag == 'script': self.in_script = False
    def handle_data(self, data):
        if self.in_script and data.strip(): self.bad.append('inline <script> body')
for page in ['_root', '_index.html', '_customer.html', '_agent.html']:
    p = P(); p.feed(open(os.path.join(d, page), encoding='utf-8').read())
    for r in p.refs:
        kind = 'external' if re.match(r'^(https?:)?//', r) else 'ref'
        print(kind, page, r)
    for b in p.bad: print('bad', page, b.replace(' ', '_'))
EOF
check "the pages load nothing from other origins" bash -c "! grep -q '^external' '$T/refs'"
check "the pages have no inline script, on*= handler or style= attribute" bash -c "! grep -q '^bad' '$T/refs'"
grep -v '^ref' "$T/refs" >&2

declare -A seen=()
queue=()
while read -r kind page ref; do
  [[ $kind == ref ]] || continue
  path=/${ref#./}; path=${path%%[?#]*}
  [[ -n ${seen[$path]:-} ]] && continue
  seen[$path]=1; queue+=("$path")
done <"$T/refs"
[[ -n ${seen[/webrtc-gw.js]:-} ]] || { seen[/webrtc-gw.js]=1; queue+=(/webrtc-gw.js); }
i=0
while ((i < ${#queue[@]})); do
  path=${queue[i]}; i=$((i + 1))
  r=$(fetch "$path")
  check "GET $path (referenced): 200 ($r)" bash -c "[[ '$r' == 200\ * ]]"
  if [[ $path == *.js ]]; then
    f=$T/get/${path//\//_}
    cp "$f" "$f.mjs"
    check "$path parses as an ES module (node --check)" node --check "$f.mjs"
    check "$path is served as JavaScript ($r)" bash -c "[[ '$r' =~ ^200\ (text|application)/(x-)?javascript ]]"
    while read -r dep; do
      dep=/${dep#./}
      [[ -n ${seen[$dep]:-} ]] && continue
      seen[$dep]=1; queue+=("$dep")
    done < <(tr '\n' ' ' <"$f" | grep -oE "import [^;]* from '\./[^']+'" | sed -E "s/.* from '([^']+)'/\1/")
  fi
done
check "the modules webrtc-gw.js, ui.js, customer.js, agent.js were all found" \
  bash -c "[[ -n '${seen[/webrtc-gw.js]:-}' && -n '${seen[/ui.js]:-}' && -n '${seen[/customer.js]:-}' && -n '${seen[/agent.js]:-}' ]]"

r=$(fetch /no-such-page.html)
check "GET /no-such-page.html: 404 ($r)" bash -c "[[ '$r' == 404* ]]"

gw_stop "$gw_pid"
if ((GW_FAILS)); then gw_log "== webrtc-gw stderr"; tail -n 30 "$T/gw.err" >&2; fi
gw_finish
