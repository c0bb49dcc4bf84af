"""The sweep on a Dask cluster (joblib's dask backend) equals the local run."""

import joblib
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from fairfit.datasets import make_biased_classification
from fairfit.linear_model import FairLogisticRegression
from fairfit.metrics import make_fairness_scorer
from fairfit.model_selection import fairness_tradeoff

distributed = pytest.importorskip("dask.distributed")

TIMES = ["mean_fit_time", "std_fit_time", "mean_score_time", "std_score_time"]


def run_on_cluster(processes: bool) -> None:
    X, y, group = make_biased_classification(1500, random_state=0)
    kwargs = {
        "param_grid": {"fair": {"bound": [0.2, 0.05, 0.02]}},
        "sensitive_features": group,
        "gaps": {
            "dp": make_fairness_scorer("demographic_parity"),
            "eo": "equalized_odds",
        },
        "cv": StratifiedKFold(3),
        "progress": False,
    }
    estimators = {"fair": FairLogisticRegression(), "baseline": LogisticRegression()}
    local = fairness_tradeoff(estimators, X, y, **kwargs)

    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=processes,
            host="127.0.0.1",
            # in-process workers talk over loopback TCP, not the inproc transport
            **({} if processes else {"protocol": "tcp"}),
            dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        workers = client.scheduler_info()["workers"]
        assert len(workers) == 2
        assert all(address.startswith("tcp://127.0.0.1:") for address in workers)
        with distributed.get_task_stream(client) as stream:
            with joblib.parallel_backend("dask"):
                remote = fairness_tradeoff(estimators, X, y, **kwargs)
    # the fits ran on the cluster's workers
    assert len(stream.data) > 0
    assert {task["worker"] for task in stream.data} <= set(workers)
    pd.testing.assert_frame_equal(remote.drop(columns=TIMES), local.drop(columns=TIMES))
    assert remote.attrs == local.attrs
    assert local["mean_test_dp"].iloc[2] < local["mean_test_dp"].iloc[3]


def test_dask_cluster_equals_local_run():
    run_on_cluster(processes=False)


@pytest.mark.slow
def test_dask_cluster_of_worker_processes_equals_local_run():
    """Worker processes: the scorers, estimators and data go through pickling."""
    run_on_cluster(processes=True)
