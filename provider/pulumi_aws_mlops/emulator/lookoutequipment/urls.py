"""Where Lookout for Equipment is reached, in moto's layout (`url_bases`, `url_paths`).

The emulator routes on the JSON protocol's `X-Amz-Target` header (see `core.Emulator.route`), so
these are for documentation and parity with moto's service folders: every request goes to one
path, and the target names the operation.
"""

from .responses import LookoutEquipmentResponse

TARGET_PREFIX = "AWSLookoutEquipmentFrontendService"

url_bases = [r"https?://lookoutequipment\.(.+)\.amazonaws\.com"]

url_paths = {"{0}/$": LookoutEquipmentResponse}
