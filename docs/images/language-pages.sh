#!/bin/sh
# The page images of docs/languages.md: the briefs of tests/fixtures/pages built as a user builds
# them, page 1 at 60 dpi. Run from the top of the repository: sh docs/images/language-pages.sh
set -eu
out=$(mktemp -d)
for language in hi ar ur; do
  .venv/bin/briefkit build "tests/fixtures/pages/$language" -o "$out/$language.pdf"
  pdftoppm -png -r 60 -f 1 -l 1 -singlefile "$out/$language.pdf" "docs/images/language-$language"
done
rm -r "$out"
