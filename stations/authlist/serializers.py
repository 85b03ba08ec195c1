from rest_framework import serializers

from stations.authlist.models import LocalListUpdate


class LocalListUpdateSerializer(serializers.ModelSerializer):
    entry_count = serializers.IntegerField(read_only=True)
    resend = serializers.SerializerMethodField(
        help_text="The full list sent automatically after this update's VersionMismatch")

    class Meta:
        model = LocalListUpdate
        fields = ["id", "update_type", "list_version", "group", "entry_count", "entries", "status",
                  "error", "resend_of", "resend", "created_at", "answered_at"]

    def get_resend(self, update: LocalListUpdate) -> dict | None:
        resend = getattr(update, "resend", None)
        return type(self)(resend).data if resend is not None else None


class LocalListAttemptSerializer(LocalListUpdateSerializer):
    """An attempt in the history: what was sent is counted, not repeated."""

    class Meta(LocalListUpdateSerializer.Meta):
        fields = [name for name in LocalListUpdateSerializer.Meta.fields if name != "entries"]


class LocalListStateSerializer(serializers.Serializer):
    station = serializers.CharField()
    group = serializers.CharField(help_text="Only members of this parent id tag; blank: all id tags")
    version = serializers.IntegerField(help_text="The version the station last accepted")
    in_sync = serializers.BooleanField(help_text="The station holds the list it should hold now")
    entry_count = serializers.IntegerField(help_text="Entries of the list it should hold now")
    confirmed_entry_count = serializers.IntegerField()
    entries_hash = serializers.CharField()
    confirmed_at = serializers.DateTimeField(allow_null=True)
    station_version = serializers.IntegerField(
        allow_null=True, help_text="Last GetLocalListVersion answer: -1 not supported, 0 empty")
    station_version_at = serializers.DateTimeField(allow_null=True)
    max_entries_per_message = serializers.IntegerField(
        allow_null=True, help_text="The station's SendLocalListMaxLength / ItemsPerMessage: a "
                                   "longer update goes in parts; null: it never said")
    max_bytes_per_message = serializers.IntegerField(
        allow_null=True, help_text="2.0.1 LocalAuthListCtrlr.BytesPerMessage; null: never said")
    max_entries = serializers.IntegerField(
        allow_null=True, help_text="Entries the station holds in all (LocalAuthListMaxLength / "
                                   "Entries maxLimit): a longer list is not sent")
    out_of_sync_reason = serializers.CharField(
        help_text="Why the list is not in sync (too long, a part refused...); blank otherwise")
    history = LocalListAttemptSerializer(many=True, help_text="SendLocalList attempts, newest first")


class LocalListSendSerializer(serializers.Serializer):
    update_type = serializers.ChoiceField(choices=[LocalListUpdate.FULL, LocalListUpdate.DIFFERENTIAL])
    group = serializers.CharField(
        required=False, allow_blank=True, max_length=20,
        help_text="Send only the members of this parent id tag from now on; blank: all id tags")

    def validate_group(self, group: str) -> str:
        if not group:
            return group
        tag = self.context["id_tags"].spelt(group).first()  # in any case: IdToken's rule
        if tag is None:
            raise serializers.ValidationError("No id tag of this tenant has this id.")
        return tag.id_tag


class LocalListVersionSerializer(serializers.Serializer):
    list_version = serializers.IntegerField(help_text="-1: the station has no local list; 0: empty")
    supported = serializers.BooleanField()
    checked_at = serializers.DateTimeField()
