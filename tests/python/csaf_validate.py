"""Validate a CSAF 2.0 document with the `csaf` package (an independent implementation by the
OASIS CSAF TC's editor): the official CSAF 2.0 JSON schema with the FIRST CVSS schemas it
references (shipped in the package, so no network), then the mandatory tests of section 6.1
(`basic`) and, with `--preset extended`, the recommended tests of section 6.2 as well.

Usage: csaf_validate.py [--preset basic|extended] DOCUMENT.json
Exit 0 when valid; 1 listing every failed test otherwise.
"""

import argparse
import json
import sys

from csaf.csaf.v20 import validate


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--preset", default="basic", choices=["basic", "extended"])
    parser.add_argument("document")
    args = parser.parse_args()
    with open(args.document, "rb") as f:
        doc = json.load(f)
    report = validate(doc, path=args.document, preset=args.preset)
    failed = [r for r in report.results if not r.passed and not r.skipped]
    ran = [r for r in report.results if not r.skipped]
    if not report.overall_valid or failed:
        for r in failed:
            print(f"FAIL {r.id} {r.title}")
            for e in r.errors:
                print(f"  {e}")
        return 1
    print(f"valid: {len(ran)} tests passed ({args.preset})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
