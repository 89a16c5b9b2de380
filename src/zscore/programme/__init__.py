"""Indonesia's programme data: audit of stored statuses, posyandu follow-up, wide registers and
village roll-ups (docs/programme.md).

* :func:`audit`: compare a register's stored statuses and z-scores with WHO's, with the likely
  cause of each disagreement;
* :func:`followup`: per child across weighings, the KMS's N, T, O, B, 2T and BGM;
* :func:`read_register`: a wide monthly register (one row per child) to one row per weighing;
* :func:`rollup`: counts and percentages per desa, kecamatan and kabupaten for a period.
"""

from .audit import Audit, audit
from .followup import FollowUp, followup
from .register import Register, read_register
from .rollup import rollup

__all__ = ["Audit", "FollowUp", "Register", "audit", "followup", "read_register", "rollup"]
