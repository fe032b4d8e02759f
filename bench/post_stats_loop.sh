#!/bin/bash
# Usage: bench/post_stats_loop.sh BASE_URL TOKEN SECONDS
# POSTs one enterprise's month (91330300P000000537, 2006-11, a province
# database from `tuijin demo --scale province`) every 0.2 s for SECONDS
# seconds, printing each latency, then sets it to 123456789 (the value the
# measurements left there). For wrk runs with writes going on
# (docs/performance.md).
BASE=$1; TOKEN=$2; END=$(( $(date +%s) + $3 )); v=123456789; n=0
while [ $(date +%s) -lt $END ]; do
  v=$((v+1)); n=$((n+1))
  curl -s -o /dev/null -w "%{time_total}\n" -X POST -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' $BASE/api/v1/enterprise-stats -d "{\"credit_code\":\"91330300P000000537\",\"period\":\"2006-11\",\"output_value_yuan\":$v,\"sales_value_yuan\":1000,\"electricity_kwh\":0,\"tax_yuan\":0,\"employees\":0}"
  sleep 0.2
done
curl -s -o /dev/null -X POST -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' $BASE/api/v1/enterprise-stats -d "{\"credit_code\":\"91330300P000000537\",\"period\":\"2006-11\",\"output_value_yuan\":123456789,\"sales_value_yuan\":1000,\"electricity_kwh\":0,\"tax_yuan\":0,\"employees\":0}"
