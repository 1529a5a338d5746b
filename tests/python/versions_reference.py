"""Reference orderings for iotlabel's differential version tests.

Usage: versions_reference.py SCHEME FILE, where FILE has "a<TAB>b" lines. Prints per line
-1 / 0 / 1, or E when either version is invalid for the reference.

  pypi    Python `packaging` (the PyPA reference for PEP 440)
  nuget   `univers` NugetVersion (VulnerableCode's port of OSV's NuGet ordering)
  alpine  `univers` AlpineLinuxVersion (Gentoo-style ordering, the subset apk shares)
  gem     `univers` RubygemsVersion
"""

import sys


def loader(scheme):
    if scheme == "pypi":
        from packaging.version import InvalidVersion, Version

        return Version, (InvalidVersion,)
    from univers import versions

    cls = {
        "nuget": versions.NugetVersion,
        "alpine": versions.AlpineLinuxVersion,
        "gem": versions.RubygemsVersion,
    }[scheme]

    def build(text):
        if not cls.is_valid(text):
            raise ValueError(text)
        return cls(text)

    return build, (Exception,)


def main():
    scheme, path = sys.argv[1], sys.argv[2]
    build, errors = loader(scheme)
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            a, b = line.split("\t", 1)
            try:
                va, vb = build(a), build(b)
            except errors:
                out.append("E")
                continue
            out.append("-1" if va < vb else "1" if va > vb else "0")
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
