#!/bin/sh
kill -HUP 1
