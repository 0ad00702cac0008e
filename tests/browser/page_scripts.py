"""The two scripts the DevTools client needs: a launcher that puts the protocol's pipes on
fds 3 and 4, and the page-side list of every URL a page refers to."""

# Puts the pipe ends on fds 3 and 4, then becomes Chromium. A wrapper instead of preexec_fn:
# the tests run moto's server on threads, and preexec_fn is not safe in a threaded process.
# The ends arrive as fds >= 5 (see chromium()), so the two dup2s cannot overwrite each other.
EXEC_ON_FDS_3_AND_4 = """
import os, sys
commands, answers = int(sys.argv[1]), int(sys.argv[2])
os.dup2(commands, 3)
os.dup2(answers, 4)
os.close(commands)
os.close(answers)
os.execv(sys.argv[3], sys.argv[3:])
"""
# Every URL the page itself refers to, whatever its scheme (data: included, which Chromium does
# not report as a request): element attributes, and url()/@import in its style sheets.
REFERENCES = """(() => {
  const found = [];
  for (const e of document.querySelectorAll('*')) {
    for (const a of ['src', 'href', 'xlink:href', 'srcset', 'poster', 'data', 'action']) {
      if (e.hasAttribute(a)) found.push(`${e.tagName.toLowerCase()} ${a}=${e.getAttribute(a)}`);
    }
  }
  for (const sheet of document.styleSheets) {
    for (const rule of sheet.cssRules) {
      if (/url\\(|@import/.test(rule.cssText)) found.push(`css ${rule.cssText.slice(0, 200)}`);
    }
  }
  for (const e of document.querySelectorAll('[style]')) {
    if (/url\\(/.test(e.getAttribute('style'))) found.push(`style ${e.getAttribute('style')}`);
  }
  return found;
})()"""
