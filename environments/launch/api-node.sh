#!/bin/bash
# Another shop API node on a fresh Amazon Linux 2023 instance. Cloud Control
# replaces {{{BRANCH}}} at launch (default main; --token BRANCH=feature-x) and
# wraps this script: cc_progress reports boot progress through the instance's
# own cloudcontrol:progress tag, and the launch is ready once it exits 0.
set -euo pipefail
cc_progress 10 "installing packages"
dnf install -y -q git java-21-amazon-corretto-headless
sleep 4
cc_progress 50 "checking out {{{BRANCH}}}"
git clone --depth 1 --branch "{{{BRANCH}}}" https://git.example.com/shop/api.git /opt/shop-api
sleep 3
cc_progress 90 "starting the API"
systemctl enable --now shop-api
sleep 2
cc_progress 100 "serving on :8080"
