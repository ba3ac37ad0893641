"""Prints, as JSON, the shell command of every task in deploy/airflow/streamify_dags.py.

With Airflow installed the DAG file is loaded by Airflow's own DagBag (and any import error
fails); without it, by a minimal stand-in for the three Airflow names the file uses, so the
commands it would run can still be checked against the real streamify-admin.
"""

import json
import os
import sys
import types

dag_file = sys.argv[1]
# Airflow reads a Variable from the environment as AIRFLOW_VAR_<NAME> before its database.
for name in ("STREAMIFY_ADMIN", "STREAMIFY_ARCHIVE", "STREAMIFY_LAKE"):
    if name in os.environ:
        os.environ.setdefault("AIRFLOW_VAR_" + name, os.environ[name])

try:
    from airflow.models import DagBag

    bag = DagBag(dag_folder=dag_file, include_examples=False)
    if bag.import_errors:
        sys.exit(f"import errors: {bag.import_errors}")
    tasks = {f"{dag.dag_id}.{task.task_id}": task.bash_command for dag in bag.dags.values() for task in dag.tasks}
    loader = "airflow"
except ImportError:
    tasks = {}
    current = []

    class DAG:
        def __init__(self, dag_id, **_):
            self.dag_id = dag_id

        def __enter__(self):
            current.append(self)
            return self

        def __exit__(self, *_):
            current.pop()

    class BashOperator:
        def __init__(self, task_id, bash_command, **_):
            tasks[f"{current[-1].dag_id}.{task_id}"] = bash_command

        def __rshift__(self, other):
            return other

    class Variable:
        @staticmethod
        def get(name, default_var=None):
            return os.environ.get(name, default_var)

    modules = {
        "airflow": types.ModuleType("airflow"),
        "airflow.models": types.ModuleType("airflow.models"),
        "airflow.operators": types.ModuleType("airflow.operators"),
        "airflow.operators.bash": types.ModuleType("airflow.operators.bash"),
    }
    modules["airflow"].DAG = DAG
    modules["airflow.models"].Variable = Variable
    modules["airflow.operators.bash"].BashOperator = BashOperator
    sys.modules.update(modules)
    with open(dag_file) as source:
        exec(compile(source.read(), dag_file, "exec"), {"__name__": "streamify_dags"})
    loader = "stand-in"

print(json.dumps({"loader": loader, "tasks": tasks}))
