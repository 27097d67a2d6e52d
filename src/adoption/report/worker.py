"""What a build's worker processes hold, loaded once for all of them.

The build starts its workers from multiprocessing's fork server, which imports
this module once; each worker is then forked from it with papermill, nbformat,
nbconvert and jupyter_client already imported, instead of spending most of a
second importing them again. Importing this module is all it does.
"""

from adoption.report.execute import without_iri_format_checks

without_iri_format_checks()  # before nbformat is imported, in this process

import nbformat  # noqa: E402, F401
import papermill  # noqa: E402, F401

import adoption.report.html  # noqa: E402
import adoption.report.kernel_manager  # noqa: E402, F401
