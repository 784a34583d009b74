"""How many app workers a deployment runs: one per CPU as far as memory allows, and exactly one
without Redis (tab states then live in one worker's memory)."""

from __future__ import annotations

import pytest

from practipal_app.deployment import WORKER_MEMORY_BYTES, Machine, this_machine, worker_count

GIB = 2**30
REDIS = {"REFLEX_REDIS_URL": "redis://127.0.0.1:6379/0"}
ROOMY = Machine(cpus=4, memory_bytes=32 * GIB)


def test_with_redis_the_default_is_one_worker_per_cpu():
    assert worker_count(REDIS, ROOMY) == 4
    assert worker_count(REDIS, Machine(cpus=2, memory_bytes=24 * GIB)) == 2


def test_memory_caps_the_default():
    # Half of 2 GiB holds three workers of the measured size, not eight.
    small = Machine(cpus=8, memory_bytes=2 * GIB)
    assert worker_count(REDIS, small) == (GIB // WORKER_MEMORY_BYTES) == 3


def test_a_machine_too_small_for_one_worker_still_runs_one():
    assert worker_count(REDIS, Machine(cpus=4, memory_bytes=256 * 2**20)) == 1


def test_the_setting_wins_over_the_default_and_over_granian_workers():
    env = {**REDIS, "PRACTIPAL_WORKERS": "6", "GRANIAN_WORKERS": "3"}
    assert worker_count(env, Machine(cpus=2, memory_bytes=2 * GIB)) == 6
    assert worker_count({**REDIS, "GRANIAN_WORKERS": "3"}, ROOMY) == 3


def test_without_redis_there_is_exactly_one_worker():
    assert worker_count({}, ROOMY) == 1
    assert worker_count({"GRANIAN_WORKERS": "5"}, ROOMY) == 1
    assert worker_count({"PRACTIPAL_WORKERS": "1"}, ROOMY) == 1


def test_several_workers_without_redis_is_refused_in_plain_words():
    with pytest.raises(ValueError, match="needs REFLEX_REDIS_URL"):
        worker_count({"PRACTIPAL_WORKERS": "4"}, ROOMY)


@pytest.mark.parametrize("value", ["0", "-2", "many", "1.5"])
def test_a_worker_count_that_is_not_a_whole_positive_number_is_refused(value):
    with pytest.raises(ValueError, match="PRACTIPAL_WORKERS must be a whole number"):
        worker_count({**REDIS, "PRACTIPAL_WORKERS": value}, ROOMY)


def test_this_machine_reports_what_it_has():
    machine = this_machine()
    assert machine.cpus >= 1
    assert machine.memory_bytes > WORKER_MEMORY_BYTES
