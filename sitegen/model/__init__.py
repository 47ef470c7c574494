"""Typed content model (pydantic): what the documents declare, nothing derived."""
from .documents import (
    AnyDocument, Budget, DepartmentGoal, Document, Evaluation, Figure, FinalAccounts,
    FundingRow, Goal, Indicator, ProjectSummary, Region, SelfEvaluation, Site, SummaryRow,
    SummaryTotal, Unit,
)
from .tables import StandardTable, TableColumn, TableId, TableRow
from .values import Measure, Percent, parse_decimal

__all__ = [
    "AnyDocument", "Budget", "DepartmentGoal", "Document", "Evaluation", "Figure",
    "FinalAccounts", "FundingRow", "Goal", "Indicator", "Measure", "Percent", "ProjectSummary",
    "Region", "SelfEvaluation", "Site", "StandardTable", "SummaryRow", "SummaryTotal", "TableColumn",
    "TableId", "TableRow", "Unit", "parse_decimal",
]
