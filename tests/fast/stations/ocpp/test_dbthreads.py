"""Which threads run the station link's database work (stations/ocpp/dbthreads.py): what a
station waits for on the pool, what follows an answer on a pool of its own, the group commit on
a thread of its own, so that neither queues before the next handshake (bench/README.md,
issue 22)."""

import asyncio
import threading

import pytest

from stations.ocpp.dbthreads import db, db_writer, in_background

# The pool threads keep their connections and check them after 5 s idle: database access allowed
pytestmark = pytest.mark.django_db


def thread_name() -> str:
    return threading.current_thread().name


async def test_an_answer_a_follow_up_and_a_batch_run_on_threads_of_their_own():
    async def follow_up() -> str:
        return await db(thread_name)

    assert (await db(thread_name)).startswith("ocpp-db_")
    assert (await in_background(follow_up())).startswith("ocpp-db-later_")
    assert (await db_writer(thread_name)).startswith("ocpp-writer_")


async def test_a_follow_up_leaves_the_caller_on_the_answers_pool():
    async def follow_up() -> str:
        return await db(thread_name)

    await asyncio.create_task(in_background(follow_up()))
    assert (await db(thread_name)).startswith("ocpp-db_")
