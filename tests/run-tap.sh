#!/bin/sh
# run-tap.sh - run one test (a C program or a Python script) for the TAP driver.
case "$1" in
*.py) exec "${PYTHON3:-python3}" "$@" ;;
*) exec "$@" ;;
esac
