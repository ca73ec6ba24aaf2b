#!/bin/sh
# The page images of README.md and docs/house-styles.md: the sample built in each built-in
# style as a user builds it, at 45 dpi. Run from the top of the repository:
#   sh docs/images/style-pages.sh
set -eu
out=$(mktemp -d)
for style in think-tank policy-memo article sidenotes; do
  .venv/bin/briefkit build data/taliban-russia --style "$style" -o "$out/$style.pdf" >/dev/null
  pdftoppm -png -r 45 -f 1 -l 1 -singlefile "$out/$style.pdf" "docs/images/style-$style"
done
for page in 1 3 6; do  # the sample as it ships (think-tank): cover, chart and notes, chronology
  pdftoppm -png -r 45 -f "$page" -l "$page" -singlefile "$out/think-tank.pdf" "docs/images/sample-page-$page"
done
rm -r "$out"
