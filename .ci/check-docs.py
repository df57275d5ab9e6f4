#!/usr/bin/env python3
"""Checks README.md and docs/*.md (issue #20): every relative link and anchor resolves, and every
code block marked runnable is run.

A block is marked by an HTML comment on the line before its fence:
  <!-- runnable: PATH -->          the block is the file PATH (a test compiles and runs it) minus its
                                   top-level one-line comments and package line, verbatim
  <!-- runnable: .ci/consumers.sh -->  the first block of its section, which consumers.sh extracts
                                   by the section's heading and runs, whole, in the verified consumers
Prints each problem and exits 1 if there is any.
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LINK = re.compile(r'!?\[(?:[^\]\[]|\[[^\]]*\])*\]\(([^)\s]+)\)')
FENCE = re.compile(r'^```')
problems = []


def anchors(path):
    """GitHub's anchors for the headings of a Markdown file."""
    seen, result = {}, set()
    in_code = False
    for line in open(path, encoding='utf-8'):
        if FENCE.match(line):
            in_code = not in_code
        if in_code:
            continue
        m = re.match(r'^(#{1,6}) +(.*?) *#*$', line.rstrip('\n'))
        if not m:
            continue
        a = re.sub(r'[^\w\- ]', '', m.group(2).strip().lower()).replace(' ', '-')
        n = seen.get(a, 0)
        seen[a] = n + 1
        result.add(a if n == 0 else '%s-%d' % (a, n))
    return result


def prose(path):
    """The file's lines outside code blocks and inline code, with their numbers."""
    in_code = False
    for number, line in enumerate(open(path, encoding='utf-8'), 1):
        if FENCE.match(line):
            in_code = not in_code
            continue
        if not in_code:
            yield number, re.sub(r'`[^`]*`', '', line)


def check_links(path):
    for number, line in prose(path):
        for target in LINK.findall(line):
            if re.match(r'^[a-z][a-z0-9+.-]*:', target):
                continue  # http:, https:, mailto:: not checked here, the machine has no internet
            file_part, _, anchor = target.partition('#')
            resolved = os.path.normpath(os.path.join(os.path.dirname(path), file_part)) if file_part else path
            where = '%s:%d: %s' % (os.path.relpath(path, ROOT), number, target)
            if not os.path.exists(resolved):
                problems.append(where + ': no such file')
            elif anchor and (not resolved.endswith('.md') or anchor not in anchors(resolved)):
                problems.append(where + ': no such anchor')


def code_blocks(path):
    """(marker, section heading, first line number, text) of each fenced block."""
    lines = open(path, encoding='utf-8').read().split('\n')
    heading, i = None, 0
    while i < len(lines):
        if lines[i].startswith('## '):
            heading = lines[i][3:]
        if FENCE.match(lines[i]):
            marker = re.match(r'^<!-- runnable: (\S+) -->$', lines[i - 1]) if i > 0 else None
            j = i + 1
            while j < len(lines) and not FENCE.match(lines[j]):
                j += 1
            yield (marker.group(1) if marker else None), heading, i + 1, '\n'.join(lines[i + 1:j])
            i = j
        i += 1


def check_runnable(path):
    consumers = open(os.path.join(ROOT, '.ci/consumers.sh'), encoding='utf-8').read()
    marked = 0
    first_in_section = {}
    for marker, heading, number, text in code_blocks(path):
        first_in_section.setdefault(heading, number)
        if marker is None:
            continue
        marked += 1
        where = '%s:%d' % (os.path.relpath(path, ROOT), number)
        if marker == '.ci/consumers.sh':
            if first_in_section.get(heading) != number:
                problems.append('%s: consumers.sh runs only the first block of "%s"' % (where, heading))
            if not re.search(r'readme_block (%s|\'%s\')' % (re.escape(heading), re.escape(heading)), consumers):
                problems.append('%s: marked as run by consumers.sh, which reads no section "%s"' % (where, heading))
            continue
        source = os.path.join(ROOT, marker)
        if not os.path.exists(source):
            problems.append('%s: runnable as %s, which does not exist' % (where, marker))
            continue
        kept = [l for l in open(source, encoding='utf-8').read().rstrip('\n').split('\n')
                if not re.match(r'^/\*.*\*/$', l) and not l.startswith('package ')]
        while kept and not kept[0].strip():
            kept.pop(0)
        if '\n'.join(kept) != text.rstrip('\n'):
            problems.append('%s: not %s verbatim' % (where, marker))
    return marked


files = [os.path.join(ROOT, 'README.md')] + sorted(
    os.path.join(ROOT, 'docs', f) for f in os.listdir(os.path.join(ROOT, 'docs')) if f.endswith('.md'))
for f in files:
    check_links(f)
    # every page of docs/ links back to the README, and the README to every page
    if f.endswith('README.md'):
        readme = open(f, encoding='utf-8').read()
        for page in files[1:]:
            if 'docs/' + os.path.basename(page) not in readme:
                problems.append('README.md: no link to docs/%s' % os.path.basename(page))
    elif '../README.md' not in open(f, encoding='utf-8').read():
        problems.append('%s: no link back to README.md' % os.path.relpath(f, ROOT))
runnable = check_runnable(files[0])
if runnable == 0:
    problems.append('README.md: no code block marked runnable')
for p in problems:
    print('check-docs: ' + p)
print('check-docs: %d files, links and anchors checked, %d runnable blocks in README.md%s'
      % (len(files), runnable, ': %d problem(s)' % len(problems) if problems else ', all run'))
sys.exit(1 if problems else 0)
