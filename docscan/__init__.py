"""docscan: read Dutch municipal information policy plans against a framework
for digital transformation (the four D's, Think Big Act Small, 1.0/2.0/3.0)
and write an HTML gap report.

The library API lives in :mod:`docscan.api`; the command line in
:mod:`docscan.cli` is a thin layer over it. Heavy libraries (spaCy,
scikit-learn, pdfplumber) are imported lazily.
"""
__version__ = "0.1.0"
