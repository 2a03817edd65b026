/* libFuzzer target for the config.json parser: whatever the bytes,
 * parsing must neither crash nor leak nor read out of bounds (ASan and
 * UBSan watch), and a config that parses must survive being emitted and
 * parsed again, as `lodge spec` and the state code do with it.
 *
 * Built and run by tests/fuzz/run-fuzz. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "lodge/oci_spec.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct oci_config *c = NULL;
  lodge_error_t err = NULL;

  if (oci_config_parse_data ((const char *)data, size, "config.json", &c, &err)
      < 0)
    {
      lodge_error_free (&err);
      return 0;
    }

  char *json = NULL;
  size_t len = 0;
  if (oci_config_emit (c, &json, &len, &err) == 0)
    {
      struct oci_config *again = NULL;
      if (oci_config_parse_data (json, len, "config.json", &again, &err) == 0)
        oci_config_free (again);
    }
  lodge_error_free (&err);
  free (json);
  oci_config_free (c);
  return 0;
}
