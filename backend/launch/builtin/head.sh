#!/bin/bash
# Cloud Control: the cc_progress helper, the launch script, then cfn-signal of its status.
mkdir -p /var/lib/cloudcontrol
cat > /usr/local/bin/cc_progress <<'CC_PROGRESS_HELPER'
#!/bin/sh
# cc_progress PERCENT "MESSAGE": tags this instance cloudcontrol:progress=PERCENT MESSAGE; never fails.
(
  m=http://169.254.169.254/latest
  t=$(curl -fsS -m 2 -X PUT "$m/api/token" -H 'X-aws-ec2-metadata-token-ttl-seconds: 300') || exit 0
  id=$(curl -fsS -m 2 -H "X-aws-ec2-metadata-token: $t" "$m/meta-data/instance-id") || exit 0
  region=$(curl -fsS -m 2 -H "X-aws-ec2-metadata-token: $t" "$m/meta-data/placement/region") || exit 0
  value=$(printf '%s %s' "$1" "$2" | tr -d '\000-\037",\\' | cut -c1-200)
  aws ec2 create-tags --region "$region" --resources "$id" --tags "Key=cloudcontrol:progress,Value=$value" >/dev/null 2>&1
) || true
exit 0
CC_PROGRESS_HELPER
chmod 755 /usr/local/bin/cc_progress
cat > /var/lib/cloudcontrol/launch-script <<'{{DELIMITER}}'
