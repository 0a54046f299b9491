"""nbgrader's CheckCellMetadata with its JSON Schema compiled once.

nbgrader checks each cell's nbgrader metadata with `jsonschema.validate(metadata, schema)`, which first
validates the schema itself against the JSON Schema meta-schema, on every call: 13 cells, twice per
submission, made that check more than half of autograde's time for a class of 300. Here the schema is
checked once and each cell goes through the same validator and the same error choice
(`best_match`), so a cell fails exactly when and how it fails in nbgrader. Everything else of nbgrader's
check (its version rules, grade ids, points, cell types, duplicates) is nbgrader's own code:
`FastMetadataValidator` only slots the cached check in under MetadataValidatorV3 (see its MRO).
"""

from __future__ import annotations

import traceback

from jsonschema.exceptions import ValidationError, best_match
from jsonschema.protocols import Validator
from jsonschema.validators import validator_for
from nbformat.notebooknode import NotebookNode
from nbgrader.nbgraderformat.common import BaseMetadataValidator, SchemaTooNewError, SchemaTooOldError
from nbgrader.nbgraderformat.v3 import MetadataValidatorV3
from nbgrader.preprocessors import CheckCellMetadata

_VALIDATORS: dict[int, Validator] = {}  # schema version -> its checked, compiled validator


class _CachedSchemaCheck(BaseMetadataValidator):
    """BaseMetadataValidator.validate_cell (nbgrader 0.9) with a compiled validator."""

    def validate_cell(self, cell: NotebookNode) -> None:
        if "nbgrader" not in cell.metadata:
            return
        schema = cell.metadata["nbgrader"].get("schema_version", 0)
        if schema < self.schema_version:
            raise SchemaTooOldError(f"Outdated schema version: {schema} (expected {self.schema_version})",
                                    schema, self.schema_version)
        if schema > self.schema_version:
            raise SchemaTooNewError(f"Schema version is too new: {schema} (expected {self.schema_version})",
                                    schema, self.schema_version)
        error = best_match(self._validator().iter_errors(cell.metadata["nbgrader"]))
        if error is not None:
            raise error

    def _validator(self) -> Validator:
        if self.schema_version not in _VALIDATORS:
            cls = validator_for(self.schema)
            cls.check_schema(self.schema)  # what jsonschema.validate does on every call, done once
            _VALIDATORS[self.schema_version] = cls(self.schema)
        return _VALIDATORS[self.schema_version]


class FastMetadataValidator(MetadataValidatorV3, _CachedSchemaCheck):
    """MetadataValidatorV3, whose `super().validate_cell` now reaches the cached check (MRO: this class,
    MetadataValidatorV3, _CachedSchemaCheck, BaseMetadataValidator)."""


class CachedCheckCellMetadata(CheckCellMetadata):
    """CheckCellMetadata.preprocess with FastMetadataValidator."""

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        try:
            FastMetadataValidator().validate_nb(nb)
        except ValidationError:
            self.log.error(traceback.format_exc())
            msg = "Notebook failed to validate; the nbgrader metadata may be corrupted."
            self.log.error(msg)
            raise ValidationError(msg) from None
        return nb, resources
