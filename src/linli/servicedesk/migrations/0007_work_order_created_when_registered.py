import linli.servicedesk.models
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('servicedesk', '0006_field_record'),
    ]

    operations = [
        migrations.AlterField(
            model_name='historicalworkorder',
            name='created_at',
            field=models.DateTimeField(db_index=True, default=linli.servicedesk.models.registered_now, editable=False, verbose_name='created at'),
        ),
        migrations.AlterField(
            model_name='workorder',
            name='created_at',
            field=models.DateTimeField(db_index=True, default=linli.servicedesk.models.registered_now, editable=False, verbose_name='created at'),
        ),
    ]
