"""The report build: notebooks -> papermill -> nbconvert -> `reports/`.

    config        reports.toml: which notebooks, with which parameters
    parameters    do a report's parameters suit its notebook's declarations?
    lock          one build at a time per output folder; what a killed one left
    lifeline      a build's processes end with it, even when it is killed
    fingerprint   content hashes: is a report up to date?
    execute       one report in a worker process (papermill, then HTML)
    worker        what every worker process imports, once for all of them
    kernel_server a warm process that forks a fresh kernel for each report
    kernel_manager  papermill's kernel manager: asks the server, or starts one
    html          an executed notebook -> one self-contained page
    build         the whole build: plan, run in parallel, publish atomically
    progress      what the build shows while it runs
    state         what earlier builds produced (reports/.build/state.json)
    index         reports/index.html

Entry point: `adoption.report.build.build_reports` (the `adoption report` command).
"""
