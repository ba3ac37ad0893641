"""Streamify's scheduled jobs as Airflow DAGs: the seed pipeline's two DAGs, calling streamify-admin.

Install: copy this file into Airflow's dags folder and set the Airflow Variables
STREAMIFY_ADMIN (the streamify-admin binary; default: on PATH), STREAMIFY_ARCHIVE (the SQLite
file scoring-server --archive writes) and STREAMIFY_LAKE (the lake export's directory).

Every command exits 0 when all is well, 1 when it found a problem (the task fails, so Airflow
alerts), 2 when it could not run.
"""

from datetime import datetime, timedelta

from airflow import DAG
from airflow.models import Variable
from airflow.operators.bash import BashOperator

ADMIN = Variable.get("STREAMIFY_ADMIN", default_var="streamify-admin")
ARCHIVE = Variable.get("STREAMIFY_ARCHIVE", default_var="/var/lib/streamify/archive.db")
LAKE = Variable.get("STREAMIFY_LAKE", default_var="/var/lib/streamify/lake")


def admin(*arguments: str) -> str:
    """The streamify-admin command line for one job, printing JSON for the task log."""
    return " ".join([ADMIN, *arguments, "--archive", ARCHIVE, "--json"])


DEFAULTS = {"owner": "streamify", "retries": 1, "retry_delay": timedelta(minutes=2)}


def streamify_dag(dag_id: str, description: str, every: timedelta) -> DAG:
    """One of Streamify's DAGs: no catch-up (each job looks at the archive as it is now)."""
    return DAG(
        dag_id=dag_id,
        description=description,
        schedule=every,
        start_date=datetime(2026, 1, 1),
        catchup=False,
        default_args=DEFAULTS,
        tags=["streamify"],
    )


with streamify_dag(
    "streamify_hourly", "Health check, lake export, data quality, daily report and retention", timedelta(hours=1)
) as hourly:
    health = BashOperator(task_id="health_check", bash_command=admin("health", "--max-silence", "15m"))
    export = BashOperator(task_id="lake_export", bash_command=admin("export", "--lake", LAKE))
    # The rows added since the check that ran at least 50 minutes ago (the last hour's, or the
    # last one before it that ran; a little under the period, as the steps before it take
    # longer some hours than others): a defect fails one run and its retry, not every run until
    # retention deletes it.
    quality = BashOperator(task_id="data_quality", bash_command=admin("quality-check", "--max-age", "1h", "--window", "50m"))
    report = BashOperator(task_id="report", bash_command=admin("report"))
    # Retention after the export, so nothing is deleted before it reached the lake.
    retention = BashOperator(task_id="retention", bash_command=admin("retention", "--raw", "30d", "--alerts", "90d"))
    health >> export >> quality >> report >> retention

with streamify_dag(
    "streamify_fraud_monitoring",
    "Critical alerts, average score, top reasons and alert latency over the last 15 minutes",
    timedelta(minutes=15),
) as monitoring:
    BashOperator(task_id="fraud_monitor", bash_command=admin("monitor", "--window", "15m", "--critical-threshold", "50"))
