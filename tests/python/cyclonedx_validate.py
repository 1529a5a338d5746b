"""Validate a CycloneDX JSON document with the CycloneDX reference library
(cyclonedx-python-lib), then read it back with the same library and summarise what it read.

Usage: cyclonedx_validate.py [--spec 1.6] DOCUMENT.json
Exit 0 when valid, printing a JSON summary (spec version, component bom-refs, and per
vulnerability its id, analysis state, justification and affected refs); 1 with the errors
otherwise.
"""

import json
import sys

from cyclonedx.model.bom import Bom
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator


def main():
    args = sys.argv[1:]
    spec = "1.6"
    if len(args) == 3 and args[0] == "--spec":
        spec, args = args[1], args[2:]
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    with open(args[0], encoding="utf-8") as f:
        text = f.read()
    version = SchemaVersion.from_version(spec)
    errors = JsonStrictValidator(version).validate_str(text, all_errors=True)
    if errors is not None:
        errors = list(errors)
        print(f"INVALID {args[0]} against CycloneDX {spec} (strict): {len(errors)} error(s)")
        for e in errors[:20]:
            print(f"  {e.data.message} at {list(e.data.absolute_path)}")
        return 1
    document = json.loads(text)
    if document.get("specVersion") != spec:
        print(f"INVALID {args[0]}: specVersion {document.get('specVersion')!r}, expected {spec}")
        return 1
    # Reading it back with the library's model checks what the schema cannot: values the
    # library's enums and types accept.
    bom = Bom.from_json(document)  # type: ignore[attr-defined]
    refs = sorted(c.bom_ref.value for c in bom.components)
    if bom.metadata.component is not None:
        refs.append(bom.metadata.component.bom_ref.value)
    vulnerabilities = []
    for v in bom.vulnerabilities:
        analysis = v.analysis
        vulnerabilities.append(
            {
                "bom_ref": v.bom_ref.value,
                "id": v.id,
                "state": analysis.state.value if analysis and analysis.state else None,
                "justification": (
                    analysis.justification.value if analysis and analysis.justification else None
                ),
                "responses": sorted(r.value for r in analysis.responses) if analysis else [],
                "affects": [a.ref for a in v.affects],
                "ratings": sorted(r.method.value for r in v.ratings if r.method),
                "properties": {p.name: p.value for p in v.properties},
            }
        )
    vulnerabilities.sort(key=lambda v: v["bom_ref"])
    print(
        json.dumps(
            {
                "valid": True,
                "spec": spec,
                "serial_number": str(bom.serial_number),
                "components": refs,
                "vulnerabilities": vulnerabilities,
            },
            indent=1,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
