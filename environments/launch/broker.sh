#!/bin/bash
# One more Kafka broker for the analytics cluster (run by the own template
# broker.cfn.json: no wrapper, so no cc_progress helper; the template's
# instance is ready once it runs).
set -euo pipefail
mkfs -t xfs /dev/sdf && mkdir -p /var/lib/kafka && mount /dev/sdf /var/lib/kafka
sleep 5
systemctl enable --now kafka
