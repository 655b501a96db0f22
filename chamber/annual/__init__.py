"""The annual report: a chamber's year in one PDF and one workbook, answering the
federation's statistics form from the data the chamber keeps, plus the work records
(honours, research reports, proposals, analysis reports, publicity) only a person can enter."""
