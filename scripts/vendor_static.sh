#!/usr/bin/env bash
# Vendor front-end libraries from the npm registry into qiaolian/static/vendor/
# so that running the project never needs Node.js.
#
# Only this script needs npm (and node, which ships with it); its output is
# committed. Re-run it after changing a pinned version below:
#
#     bash scripts/vendor_static.sh
#
# Tarballs are fetched with `npm pack` (no install scripts run, integrity is
# checked by npm against the registry), unpacked in a temporary directory, and
# only the distributable files we use are copied. Source-map comments are
# stripped from the copied files because the .map files are not vendored
# (Django's ManifestStaticFilesStorage would otherwise fail on the missing
# references during collectstatic).
set -euo pipefail

# ---- pinned versions -------------------------------------------------------
TABLER_CORE_VERSION=1.4.0        # @tabler/core 1.4.x (bundles Bootstrap 5.3.7 CSS+JS)
BOOTSTRAP_VERSION=5.3.9          # bootstrap 5.3.x (plain Bootstrap alternative)
TABLER_ICONS_VERSION=3.49.0      # @tabler/icons-webfont 3.x
HTMX_VERSION=2.0.11              # htmx.org 2.0.x
TOM_SELECT_VERSION=2.6.2         # tom-select 2.x
ECHARTS_VERSION=6.1.0            # echarts 6.x
WORLD_MAP_VERSION=2.1.5          # @surbowl/world-geo-json-zh 2.x (Unlicense): the world map
# ---------------------------------------------------------------------------

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FINAL="$ROOT/qiaolian/static/vendor"
OWNED_DIRS=(tabler bootstrap tabler-icons htmx tom-select echarts world-map)

command -v npm >/dev/null || { echo "error: npm is required to run this script" >&2; exit 1; }
command -v node >/dev/null || { echo "error: node is required to run this script" >&2; exit 1; }

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
# Build into a staging directory; the real one is only touched once all is well.
DEST="$TMP/vendor"

VERSIONS_LINES=()

# fetch SPEC KEY -> unpacks the npm tarball of SPEC into $TMP/pkg/KEY
fetch() {
    local spec="$1" key="$2" tgz
    mkdir -p "$TMP/tgz" "$TMP/pkg/$key"
    echo "==> npm pack $spec"
    tgz="$(cd "$TMP" && npm pack --silent --pack-destination "$TMP/tgz" "$spec" | tail -n 1)"
    [ -f "$TMP/tgz/$tgz" ] || { echo "error: npm pack $spec produced no tarball" >&2; exit 1; }
    tar -xzf "$TMP/tgz/$tgz" -C "$TMP/pkg/$key" --strip-components=1
}

# pkgfield KEY FIELD -> prints package.json FIELD (empty if missing)
pkgfield() {
    node -e '
        const p = require(process.argv[1]);
        let v = p[process.argv[2]];
        if (v && typeof v === "object") v = v.type || JSON.stringify(v);
        process.stdout.write(v ? String(v) : "");
    ' "$TMP/pkg/$1/package.json" "$2"
}

# record KEY DESTDIR -> adds a VERSIONS.txt line for the package unpacked as KEY
record() {
    local key="$1" destdir="$2" name version license
    name="$(pkgfield "$key" name)"
    version="$(pkgfield "$key" version)"
    license="$(pkgfield "$key" license)"
    if [ -z "$license" ]; then
        license="$(head -n 1 "$DEST/$destdir/LICENSE" | sed -E 's/^(The )?//; s/ License.*$//') (from LICENSE; package.json has no license field)"
    fi
    VERSIONS_LINES+=("$(printf '%-32s %-12s -> vendor/%s/' "$name@$version" "$license" "$destdir")")
}

# cp_dist SRC DST -> copies a file, dropping sourceMappingURL comments
cp_dist() {
    local src="$1" dst="$2"
    mkdir -p "$(dirname "$dst")"
    sed -E \
        -e 's@/\*# sourceMappingURL=[^*]*\*/@@g' \
        -e 's@^//# sourceMappingURL=.*$@@' \
        "$src" > "$dst"
}

# cp_license KEY DESTDIR -> copies the package's LICENSE file (required)
cp_license() {
    local key="$1" destdir="$2" f
    for f in LICENSE LICENSE.md LICENSE.txt LICENCE; do
        if [ -f "$TMP/pkg/$key/$f" ]; then
            cp "$TMP/pkg/$key/$f" "$DEST/$destdir/LICENSE"
            return 0
        fi
    done
    echo "error: no LICENSE file in package $key" >&2
    exit 1
}

for d in "${OWNED_DIRS[@]}"; do
    mkdir -p "$DEST/$d"
done

# ---- @tabler/core ----------------------------------------------------------
fetch "@tabler/core@$TABLER_CORE_VERSION" tabler
P="$TMP/pkg/tabler"
cp_dist "$P/dist/css/tabler.min.css" "$DEST/tabler/tabler.min.css"
cp_dist "$P/dist/js/tabler.min.js" "$DEST/tabler/tabler.min.js"
# The @tabler/core npm tarball ships no LICENSE file; package.json says MIT and
# the dist banner carries the copyright. Write the standard MIT text with it.
if [ -f "$P/LICENSE" ]; then
    cp_license tabler tabler
else
    [ "$(pkgfield tabler license)" = "MIT" ] || { echo "error: @tabler/core is no longer MIT" >&2; exit 1; }
    {
        echo "The MIT License (MIT)"
        echo
        grep -m 2 -o 'Copyright [0-9].*' "$P/dist/css/tabler.min.css" | sed 's/^Copyright /Copyright (c) /'
        cat <<'EOF'

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in
all copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN
THE SOFTWARE.

(The @tabler/core npm package ships no LICENSE file; this is the MIT license
named in its package.json, with the copyright lines from its dist banner.
See https://github.com/tabler/tabler/blob/main/LICENSE)
EOF
    } > "$DEST/tabler/LICENSE"
fi
record tabler tabler

# ---- bootstrap -------------------------------------------------------------
fetch "bootstrap@$BOOTSTRAP_VERSION" bootstrap
P="$TMP/pkg/bootstrap"
cp_dist "$P/dist/css/bootstrap.min.css" "$DEST/bootstrap/bootstrap.min.css"
cp_dist "$P/dist/js/bootstrap.bundle.min.js" "$DEST/bootstrap/bootstrap.bundle.min.js"
cp_license bootstrap bootstrap
record bootstrap bootstrap

# ---- @tabler/icons-webfont -------------------------------------------------
fetch "@tabler/icons-webfont@$TABLER_ICONS_VERSION" tabler-icons
P="$TMP/pkg/tabler-icons"
# Keep only the woff2 source in @font-face (every supported browser has woff2).
cp_dist "$P/dist/tabler-icons.min.css" "$TMP/tabler-icons.min.css"
sed -E \
    -e 's@,url\("[^"]*\.woff(\?[^"]*)?"\) format\("woff"\)@@g' \
    -e 's@,url\("[^"]*\.ttf(\?[^"]*)?"\) format\("truetype"\)@@g' \
    "$TMP/tabler-icons.min.css" > "$DEST/tabler-icons/tabler-icons.min.css"
# Copy exactly the font files the CSS references, and insist they are woff2.
mkdir -p "$DEST/tabler-icons/fonts"
refs="$(grep -o 'url("[^"]*")' "$DEST/tabler-icons/tabler-icons.min.css" | sed -E 's@^url\("(\./)?([^"?#]*).*@\2@' | sort -u)"
[ -n "$refs" ] || { echo "error: no font url() found in tabler-icons.min.css" >&2; exit 1; }
for ref in $refs; do
    case "$ref" in
        fonts/*.woff2) cp "$P/dist/$ref" "$DEST/tabler-icons/$ref" ;;
        *) echo "error: tabler-icons.min.css still references $ref" >&2; exit 1 ;;
    esac
done
cp_license tabler-icons tabler-icons
record tabler-icons tabler-icons

# ---- htmx.org --------------------------------------------------------------
fetch "htmx.org@$HTMX_VERSION" htmx
P="$TMP/pkg/htmx"
cp_dist "$P/dist/htmx.min.js" "$DEST/htmx/htmx.min.js"
cp_license htmx htmx
record htmx htmx

# ---- tom-select ------------------------------------------------------------
fetch "tom-select@$TOM_SELECT_VERSION" tom-select
P="$TMP/pkg/tom-select"
cp_dist "$P/dist/css/tom-select.bootstrap5.min.css" "$DEST/tom-select/tom-select.bootstrap5.min.css"
cp_dist "$P/dist/js/tom-select.complete.min.js" "$DEST/tom-select/tom-select.complete.min.js"
cp_license tom-select tom-select
record tom-select tom-select

# ---- echarts -----------------------------------------------------------------
fetch "echarts@$ECHARTS_VERSION" echarts
P="$TMP/pkg/echarts"
cp_dist "$P/dist/echarts.min.js" "$DEST/echarts/echarts.min.js"
cp_license echarts echarts
cp "$P/NOTICE" "$DEST/echarts/NOTICE"
cp "$P/licenses/LICENSE-d3" "$DEST/echarts/LICENSE-d3"
record echarts echarts

# ---- @surbowl/world-geo-json-zh: the world map ----------------------------
# A GeoJSON world drawn after China's standard maps (审图号 GS(2023)2767, GS(2021)5443, GS京(2022)1061):
# Taiwan, Hong Kong and Macao inside China, the South China Sea islands and the ten-dash line,
# Chinese names and ISO 3166 codes on every feature (the grid maps its data by code). Copied
# unchanged; a public deployment still needs its own map approval (README, "The world map").
fetch "@surbowl/world-geo-json-zh@$WORLD_MAP_VERSION" world-map
P="$TMP/pkg/world-map"
node -e '
    const g = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const china = g.features.filter(f => f.properties.iso_a2 === "CN");
    const separate = g.features.filter(f => ["TW", "HK", "MO"].includes(f.properties.iso_a2));
    if (g.type !== "FeatureCollection" || g.features.length < 200 || china.length !== 1 || separate.length) {
        console.error("error: unexpected world.zh.json content"); process.exit(1);
    }
' "$P/world.zh.json"
cp "$P/world.zh.json" "$DEST/world-map/world.zh.json"
cp_license world-map world-map
record world-map world-map

# ---- VERSIONS.txt ----------------------------------------------------------
{
    echo "# Front-end libraries vendored from the npm registry by scripts/vendor_static.sh."
    echo "# Generated file: edit the pinned versions in that script and re-run it."
    echo "# package@version                 license         destination"
    printf '%s\n' "${VERSIONS_LINES[@]}"
} > "$DEST/VERSIONS.txt"

# ---- install: replace only the directories this script owns ---------------
mkdir -p "$FINAL"
for d in "${OWNED_DIRS[@]}"; do
    rm -rf "${FINAL:?}/$d"
    cp -R "$DEST/$d" "$FINAL/$d"
done
cp "$DEST/VERSIONS.txt" "$FINAL/VERSIONS.txt"

echo "==> vendored into ${FINAL#"$ROOT"/}:"
(cd "$ROOT" && find "qiaolian/static/vendor" -type f | sort | xargs du -k)
echo "total: $(du -sk "$FINAL" | cut -f1) KiB"
