"""Validate OSCAL JSON documents with compliance-trestle's OSCAL 1.1.2 models.

Usage:
  oscal_validate.py catalog FILE
  oscal_validate.py profile FILE          (also resolves it against the catalog it imports)
  oscal_validate.py assessment-results FILE

Prints a one-line JSON summary and exits 0 when valid; prints the validation error and
exits 1 otherwise. The models forbid unknown fields and check token, UUID and date-time
patterns, so this is a strict check.
"""

import json
import os
import pathlib
import shutil
import sys
import tempfile

import trestle.oscal as oscal
from trestle.oscal.assessment_results import AssessmentResults
from trestle.oscal.catalog import Catalog
from trestle.oscal.profile import Profile


def count_controls(groups):
    n = 0
    for g in groups or []:
        n += len(g.controls or [])
        n += count_controls(g.groups)
    return n


def raised_controls(groups):
    out = []
    for g in groups or []:
        for c in g.controls or []:
            for p in c.props or []:
                if p.name == "modality" and p.class_ == "raised-by-profile":
                    out.append(c.id)
        out += raised_controls(g.groups)
    return out


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    kind, path = sys.argv[1], pathlib.Path(sys.argv[2])
    try:
        if kind == "catalog":
            cat = Catalog.oscal_read(path)
            summary = {"controls": count_controls(cat.groups), "uuid": str(cat.uuid)}
        elif kind == "profile":
            prof = Profile.oscal_read(path)
            from trestle.core.profile_resolver import ProfileResolver

            # Resolution needs a trestle workspace; build a throwaway one holding the
            # profile and the files it imports.
            with tempfile.TemporaryDirectory() as tmp:
                root = pathlib.Path(tmp)
                (root / ".trestle").mkdir()
                for f in path.parent.glob("*.json"):
                    shutil.copy(f, root / f.name)
                # Relative hrefs resolve against the working directory.
                cwd = os.getcwd()
                os.chdir(root)
                try:
                    resolved = ProfileResolver.get_resolved_profile_catalog(
                        root, str(root / path.name)
                    )
                finally:
                    os.chdir(cwd)
            summary = {
                "selected": len(prof.imports[0].include_controls[0].with_ids),
                "resolved_controls": count_controls(resolved.groups),
                "raised": sorted(raised_controls(resolved.groups)),
            }
        elif kind == "assessment-results":
            ar = AssessmentResults.oscal_read(path)
            summary = {
                "results": len(ar.results),
                "findings": sum(len(r.findings or []) for r in ar.results),
            }
        else:
            print(f"unknown kind {kind}")
            return 2
    except Exception as e:  # trestle raises several error types; all mean "invalid"
        print(f"INVALID {path}: {e}")
        return 1
    summary["oscal_models"] = oscal.OSCAL_VERSION
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
