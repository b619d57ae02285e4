"""Smoke-test job: proves a deployment's job plumbing end to end.

Started by a pipeline's job step on EMR Serverless (Step Functions, startJobRun.sync), it starts
Spark, counts a small range, prints its arguments, then succeeds, fails or sleeps as asked:

    --run-date YYYY-MM-DD            the run's date (the step templates it)
    --outcome succeed|fail|sleep     what to do (default succeed)
    --exit-code N                    the exit code of 'fail' (default 3)
    --sleep-seconds S                how long 'sleep' sleeps (default a day: past any step timeout)

jobs/smoke.mjs is its local stand-in: the same arguments and outcomes, without Spark.
"""
import argparse
import sys
import time

from pyspark.sql import SparkSession


def main() -> int:
    parser = argparse.ArgumentParser(description="redline smoke-test job")
    parser.add_argument("--run-date", required=True)
    parser.add_argument("--outcome", choices=["succeed", "fail", "sleep"], default="succeed")
    parser.add_argument("--exit-code", type=int, default=3)
    parser.add_argument("--sleep-seconds", type=int, default=86400)
    args = parser.parse_args()

    spark = SparkSession.builder.appName("redline-smoke").getOrCreate()
    try:
        rows = spark.range(1000).count()
        print(f"smoke job for {args.run_date}: spark counted {rows} rows; outcome {args.outcome}", flush=True)
        if args.outcome == "fail":
            print(f"failing on purpose with exit code {args.exit_code}", file=sys.stderr, flush=True)
            return args.exit_code
        if args.outcome == "sleep":
            time.sleep(args.sleep_seconds)
        return 0
    finally:
        spark.stop()


if __name__ == "__main__":
    sys.exit(main())
