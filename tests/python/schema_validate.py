"""Validate a TOML or JSON declaration against a JSON Schema with the `jsonschema` reference
implementation.

Usage: schema_validate.py SCHEMA.json DECLARATION(.toml|.json)
Exit 0 when valid; 1 with the first error otherwise.
"""

import json
import sys
import tomllib

import jsonschema


def main():
    schema_path, doc_path = sys.argv[1], sys.argv[2]
    with open(schema_path) as f:
        schema = json.load(f)
    with open(doc_path, "rb") as f:
        doc = json.load(f) if doc_path.endswith(".json") else tomllib.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(doc), key=str)
    if errors:
        print(f"INVALID {doc_path}: {errors[0].message} at {list(errors[0].absolute_path)}")
        return 1
    print("valid")
    return 0


if __name__ == "__main__":
    sys.exit(main())
